import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsString, IsUUID, Length, Matches } from 'class-validator';
import { IsOre } from '../platform/validators.js';
import { RECOVERY_OUTCOMES, RECOVERY_REASONS, type RecoveryOutcome, type RecoveryReason } from './recovery.state.js';

export class ClaimRecoveryDto {
  @ApiProperty({ enum: RECOVERY_REASONS, description: 'wrong_information / omitted_information: paid wrongly because of it; advance_on_benefit: förskott på förmån' })
  @IsIn(RECOVERY_REASONS)
  reason!: RecoveryReason;
  @ApiProperty({ example: 'Lönen för oktober (8 000 kr) uppgavs inte i ansökan.' }) @IsString() @Length(1, 4000) description!: string;
  @ApiProperty({ description: 'Öre', example: 800000 }) @IsOre() amount!: number;
  @ApiProperty({ description: 'Law reference code', example: 'SoL-aterkrav' })
  @IsString()
  @Matches(/^[A-Za-z0-9-]{1,60}$/, { message: 'legalBasis must be a law reference code like SoL-aterkrav' })
  legalBasis!: string;
  @ApiProperty({ type: [String], description: 'The disbursed payments the claim concerns' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(120)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  paymentIds!: string[];
}

export class DecideRecoveryDto {
  @ApiProperty({ enum: RECOVERY_OUTCOMES, description: 'pursue: apply to förvaltningsrätten; waive: let the claim go' })
  @IsIn(RECOVERY_OUTCOMES)
  outcome!: RecoveryOutcome;
  @ApiProperty({ description: 'Why (förvaltningslagen 32 §)', example: 'Uppgiften om lön lämnades inte trots fråga i ansökan.' })
  @IsString()
  @Length(1, 8000)
  motivering!: string;
}
